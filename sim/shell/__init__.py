"""The shell around the model: the command line, a single run's output files, progress, the browser lookup."""
