"""Recording forms of a dataset's own: custom fields beside the common ones, versioned, with XLSForm in and out."""
