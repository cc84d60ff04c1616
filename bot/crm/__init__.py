"""CRM data in Pacer: connectors, spreadsheet import and actuals from the system of record."""
