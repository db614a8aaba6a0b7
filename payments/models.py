"""Payment runs and their lines (payments.md)."""
