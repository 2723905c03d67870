"""Document workflows: payments, passenger manifests, shipments."""
