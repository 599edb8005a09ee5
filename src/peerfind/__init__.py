"""peerfind: find recovery peer-support meetings around Dutchess County, New York."""

__version__ = "0.1.0"
