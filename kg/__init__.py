"""govkg: a knowledge-graph builder for Chinese local-government rule-of-law reports."""

__version__ = "0.1.0"
