"""CRM connectors behind one `Connector` protocol (`base`): a sub-package per CRM, `zoho` and `fxiaoke`."""
