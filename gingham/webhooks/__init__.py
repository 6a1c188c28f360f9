"""Webhooks: the transactional outbox, Plaid's ES256 signatures, and the delivery worker."""
