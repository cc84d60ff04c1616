"""training: courses, lessons, assignments, progress, quiz answers, settings, resources, study logs

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('training_courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('category', sa.Enum('product', 'sales_skills', 'market', 'compliance', 'other', name='training_category', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('lesson_count', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('pass_mark IS NULL OR pass_mark BETWEEN 0 AND 100', name=op.f('ck_training_courses_pass_mark_percent')),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_training_courses_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_courses')),
    sa.UniqueConstraint('team_id', 'slug', 'language', name=op.f('uq_training_courses_team_id_slug_language'))
    )
    op.create_table('training_settings',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('days', sa.String(length=16), nullable=False),
    sa.Column('lesson_time', sa.Time(), nullable=False),
    sa.Column('escalate_after_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_training_settings_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_training_settings'))
    )
    op.create_table('training_lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('image_url', sa.String(length=500), nullable=True),
    sa.Column('prompt', sa.Text(), nullable=True),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('answer', sa.Integer(), nullable=True),
    sa.Column('explanation', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], name=op.f('fk_training_lessons_course_id_training_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_training_lessons_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_lessons')),
    sa.UniqueConstraint('course_id', 'version', 'position', name=op.f('uq_training_lessons_course_id_version_position'))
    )
    op.create_table('training_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('rep_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('next_position', sa.Integer(), nullable=False),
    sa.Column('last_sent_on', sa.Date(), nullable=True),
    sa.Column('started_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('completed_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('confidence_before', sa.Integer(), nullable=True),
    sa.Column('confidence_after', sa.Integer(), nullable=True),
    sa.CheckConstraint('confidence_after BETWEEN 1 AND 5', name=op.f('ck_training_progress_confidence_after_1_to_5')),
    sa.CheckConstraint('confidence_before BETWEEN 1 AND 5', name=op.f('ck_training_progress_confidence_before_1_to_5')),
    sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], name=op.f('fk_training_progress_course_id_training_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rep_id'], ['members.id'], name=op.f('fk_training_progress_rep_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_training_progress_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_progress')),
    sa.UniqueConstraint('rep_id', 'course_id', 'round', name=op.f('uq_training_progress_rep_id_course_id_round'))
    )
    op.create_index('ix_training_progress_team_id_course_id', 'training_progress', ['team_id', 'course_id'], unique=False)
    op.create_table('training_quiz_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('rep_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('chosen', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('answered_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['training_lessons.id'], name=op.f('fk_training_quiz_answers_lesson_id_training_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rep_id'], ['members.id'], name=op.f('fk_training_quiz_answers_rep_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_training_quiz_answers_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_quiz_answers')),
    sa.UniqueConstraint('rep_id', 'lesson_id', 'round', name=op.f('uq_training_quiz_answers_rep_id_lesson_id_round'))
    )
    op.create_table('training_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('rep_id', sa.Integer(), nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('recertify_days', sa.Integer(), nullable=True),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['members.id'], name=op.f('fk_training_assignments_assigned_by_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], name=op.f('fk_training_assignments_course_id_training_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], name=op.f('fk_training_assignments_escalation_id_escalations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rep_id'], ['members.id'], name=op.f('fk_training_assignments_rep_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_training_assignments_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_assignments')),
    sa.UniqueConstraint('course_id', 'rep_id', name=op.f('uq_training_assignments_course_id_rep_id'))
    )
    op.create_index(op.f('ix_training_assignments_rep_id'), 'training_assignments', ['rep_id'], unique=False)
    op.create_index('ix_training_assignments_team_id_due', 'training_assignments', ['team_id', 'due', 'id'], unique=False)

    op.create_table('training_resources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('category', sa.Enum('product', 'sales_skills', 'market', 'compliance', 'other', name='training_category', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['members.id'], name=op.f('fk_training_resources_added_by_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_training_resources_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_resources'))
    )
    op.create_index('ix_training_resources_team_id_category', 'training_resources', ['team_id', 'category'], unique=False)
    op.create_table('training_study_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('rep_id', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=200), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('takeaway', sa.Text(), nullable=False),
    sa.Column('logged_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes BETWEEN 1 AND 1440', name=op.f('ck_training_study_logs_minutes_in_a_day')),
    sa.ForeignKeyConstraint(['rep_id'], ['members.id'], name=op.f('fk_training_study_logs_rep_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_training_study_logs_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_study_logs'))
    )
    op.create_index('ix_training_study_logs_team_id_rep_id', 'training_study_logs', ['team_id', 'rep_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_training_study_logs_team_id_rep_id', table_name='training_study_logs')
    op.drop_table('training_study_logs')
    op.drop_index('ix_training_resources_team_id_category', table_name='training_resources')
    op.drop_table('training_resources')
    op.drop_index('ix_training_assignments_team_id_due', table_name='training_assignments')
    op.drop_index(op.f('ix_training_assignments_rep_id'), table_name='training_assignments')
    op.drop_table('training_assignments')
    op.drop_table('training_quiz_answers')
    op.drop_index('ix_training_progress_team_id_course_id', table_name='training_progress')
    op.drop_table('training_progress')
    op.drop_table('training_lessons')
    op.drop_table('training_settings')
    op.drop_table('training_courses')
