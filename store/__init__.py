"""plantrail's event store: settings, hash-chained recorders, guards, verify and checkpoints.

The domain never imports this package; the application picks up the recorders
through the APPLICATION_RECORDER_TOPIC setting that store.settings.env_for_url makes.
"""
