"""The media browser: model, delegate, filters, breadcrumbs and the panel that holds them."""
