"""Cross-domain building blocks: model mixins, UTC time, after-commit events, errors, i18n."""
