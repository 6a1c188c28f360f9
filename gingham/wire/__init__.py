"""Plaid's wire format: JSON encoding, identifiers, request validation and the endpoint adapter."""
