"""The HTTP API: one blueprint per resource, plus errors, access and content negotiation."""
