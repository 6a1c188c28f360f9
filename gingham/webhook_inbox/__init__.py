"""The webhook inbox: a receiver on Gingham itself that records and verifies what it is sent."""
