"""segkit: tooling for the behavioral segmentation dbt project.

Tooling only: nothing in the dbt models needs this package at build time.
It currently provides a deterministic synthetic data generator
(:mod:`segkit.generate`) that writes the raw tables of the data contract
(contacts, events, orders) plus the persona ground truth used by tests.

Run ``python -m segkit --help``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
