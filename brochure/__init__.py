"""brochure: compile a folder of YAML news items into a PDF brochure."""

__version__ = "0.1.0"
