"""The portfolio as a PDF for appraisal and the annual review."""
