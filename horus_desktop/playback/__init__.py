"""Playing media without Qt: the clock, the session over the frame cache, the viewer state and opening."""
