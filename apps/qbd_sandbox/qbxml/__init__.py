"""qbXML 13.0 as QuickBooks reads and writes it: element specs in schema order, parsing, validation and rendering."""
