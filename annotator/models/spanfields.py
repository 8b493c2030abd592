from __future__ import annotations

from django.db import models

from annotator.spans import Span as SpanValue


class SpanFields(models.Model):
    """Offsets and label shared by every kind of stored span.

    The numeric rules are database constraints; the rest of `annotator.spans` (word
    boundaries, label set, same-label overlap) needs the text and is checked by the services.
    """

    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    label = models.CharField(max_length=64)
    attrs = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["start", "end", "label"]
        constraints = [
            models.CheckConstraint(condition=models.Q(start__gte=0), name="%(class)s_start_not_negative"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="%(class)s_start_before_end"),
        ]

    def as_span(self) -> SpanValue:
        return SpanValue(self.start, self.end, self.label, self.attrs or {})
