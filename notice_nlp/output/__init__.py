"""Writers and views of tagged documents: json/jsonl/csv/xlsx/html, the evaluation report."""
