"""The complaint monitor's core: configuration, store, scheduler, pipeline, queue, notifiers."""
