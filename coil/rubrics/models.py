"""Rubrics: dimensions with levels and a descriptor per level, and which rubric an exchange uses.

Names and descriptors are stored per language (``{"en": ..., "nl": ..., "es": ...}``); a
missing language falls back to English (``text.localised``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coil.core.models import TimestampMixin
from coil.extensions import Base

if TYPE_CHECKING:
    from coil.institutions.models import Institution

Texts = dict[str, str]  # language code -> text


class Rubric(TimestampMixin, Base):
    """A rubric: the platform's (no institution) or one an institution defined."""

    __tablename__ = "rubrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[Texts] = mapped_column(JSON, default=dict)
    description: Mapped[Texts] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(400), default="")  # where it comes from

    institution: Mapped[Institution | None] = relationship("Institution")
    dimensions: Mapped[list[RubricDimension]] = relationship(
        "RubricDimension",
        cascade="all, delete-orphan",
        order_by="RubricDimension.position",
        back_populates="rubric",
    )
    levels: Mapped[list[RubricLevel]] = relationship(
        "RubricLevel", cascade="all, delete-orphan", order_by="RubricLevel.value"
    )


class RubricDimension(Base):
    """One dimension of a rubric (for example *Empathy*), with a descriptor per level."""

    __tablename__ = "rubric_dimensions"
    __table_args__ = (UniqueConstraint("rubric_id", "key", name="uq_rubric_dimensions_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column()
    group: Mapped[Texts] = mapped_column(JSON, default=dict)  # e.g. Knowledge, Skills, Attitudes
    name: Mapped[Texts] = mapped_column(JSON, default=dict)
    descriptors: Mapped[dict[str, Texts]] = mapped_column(JSON, default=dict)  # level -> texts

    rubric: Mapped[Rubric] = relationship("Rubric", back_populates="dimensions")


class RubricLevel(Base):
    """A level of a rubric's scale: a number (higher is further) and its name."""

    __tablename__ = "rubric_levels"
    __table_args__ = (
        UniqueConstraint("rubric_id", "value", name="uq_rubric_levels_value"),
        CheckConstraint("value >= 0 AND value <= 10", name="value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column()
    name: Mapped[Texts] = mapped_column(JSON, default=dict)


class ExchangeRubric(Base):
    """The rubric an exchange assesses with (the platform's default when there is no row)."""

    __tablename__ = "exchange_rubrics"

    exchange_id: Mapped[int] = mapped_column(
        ForeignKey("exchanges.id", ondelete="CASCADE"), primary_key=True
    )
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubrics.id", ondelete="RESTRICT"))

    rubric: Mapped[Rubric] = relationship("Rubric")
