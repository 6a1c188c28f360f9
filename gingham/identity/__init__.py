"""Identity: the owners of an Item's accounts, and matching them against what an app knows."""
