"""HTTP service: yente-compatible /match, native screening endpoints, API keys."""
