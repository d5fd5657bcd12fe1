using System;
using System.Collections.Generic;
using BackupPortal.Domain.Restores;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupPortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class PointInTimeRecovery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_backup_jobs_one_running_per_source",
                table: "backup_jobs");

            migrationBuilder.AddColumn<bool>(
                name: "point_in_time_recovery",
                table: "sources",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "wal_received_at",
                table: "sources",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "wal_receiver_error",
                table: "sources",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "wal_receiver_seen_at",
                table: "sources",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<RestoreInstance>(
                name: "instance",
                table: "restore_operations",
                type: "jsonb",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "keep_instance",
                table: "restore_operations",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "replay_end_time",
                table: "restore_operations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "target_time",
                table: "restore_operations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Dictionary<string, double>>(
                name: "timings",
                table: "restore_operations",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'{}'::jsonb");

            migrationBuilder.CreateTable(
                name: "wal_segments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    file_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    timeline = table.Column<int>(type: "integer", nullable: false),
                    segment_number = table.Column<long>(type: "bigint", nullable: true),
                    original_bytes = table.Column<long>(type: "bigint", nullable: false),
                    plaintext_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    storage_path = table.Column<string>(type: "text", nullable: false),
                    file_size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    checksum_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    key_id = table.Column<string>(type: "text", nullable: false),
                    archived_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    first_commit_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_commit_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wal_segments", x => x.id);
                    table.ForeignKey(
                        name: "fk_wal_segments_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_backup_jobs_one_running_per_source",
                table: "backup_jobs",
                column: "source_id",
                unique: true,
                filter: "status = 'running' AND trigger NOT IN ('safety', 'prerequisite')");

            migrationBuilder.CreateIndex(
                name: "ix_wal_segments_source_id_file_name",
                table: "wal_segments",
                columns: new[] { "source_id", "file_name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_wal_segments_source_id_timeline_segment_number",
                table: "wal_segments",
                columns: new[] { "source_id", "timeline", "segment_number" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "wal_segments");

            migrationBuilder.DropIndex(
                name: "ix_backup_jobs_one_running_per_source",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "point_in_time_recovery",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "wal_received_at",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "wal_receiver_error",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "wal_receiver_seen_at",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "instance",
                table: "restore_operations");

            migrationBuilder.DropColumn(
                name: "keep_instance",
                table: "restore_operations");

            migrationBuilder.DropColumn(
                name: "replay_end_time",
                table: "restore_operations");

            migrationBuilder.DropColumn(
                name: "target_time",
                table: "restore_operations");

            migrationBuilder.DropColumn(
                name: "timings",
                table: "restore_operations");

            migrationBuilder.CreateIndex(
                name: "ix_backup_jobs_one_running_per_source",
                table: "backup_jobs",
                column: "source_id",
                unique: true,
                filter: "status = 'running' AND trigger <> 'safety'");
        }
    }
}
