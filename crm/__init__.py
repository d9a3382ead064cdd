"""CRM connectors (HubSpot, Salesforce): adapters beside the chat platforms, behind the engine's ports."""
