"""The UI's pages: every module here with a module-level `router` is mounted by `ui.mount` (no list to edit)."""
