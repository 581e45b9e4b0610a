"""The bundled demo: a replay source that lets a new team see the monitor work with no network."""
