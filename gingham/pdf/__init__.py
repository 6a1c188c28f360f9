"""Report PDFs (asset reports, bank statements, bank income reports), drawn with ReportLab."""
