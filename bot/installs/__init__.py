"""The OAuth install's tables: slack_sdk's installation and state stores, as Pacer's schema (see models)."""
