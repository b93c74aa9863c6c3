"""caredesk: a landlord's customer care policy, turned into a working system."""
