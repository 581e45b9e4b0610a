"""Rule engine, language identification, normalisation, scorers and the project's own lexicons."""
