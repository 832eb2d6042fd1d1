"""Channel integrations: one module per way of reaching a person or a system."""
