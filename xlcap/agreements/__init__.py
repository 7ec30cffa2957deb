"""The agreement model: limit kinds, amendments and rows, the data files, lookups. Imports no other part."""
