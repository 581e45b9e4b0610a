"""Configuration: settings.yaml loaded, resolved and fully validated before anything starts."""
from monitor.config.errors import ConfigError, ConfigIssue
from monitor.config.load import Settings, load_settings

__all__ = ["ConfigError", "ConfigIssue", "Settings", "load_settings"]
