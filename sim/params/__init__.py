"""Parameters: the registry (every parameter declared once), scenarios and policies, the Hydra schema."""
