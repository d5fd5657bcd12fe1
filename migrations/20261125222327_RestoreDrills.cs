using System;
using System.Collections.Generic;
using BackupPortal.Domain.Backups;
using BackupPortal.Domain.Drills;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupPortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class RestoreDrills : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "drill_cron_expression",
                table: "sources",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "0 4 1 * *");

            migrationBuilder.AddColumn<bool>(
                name: "drill_enabled",
                table: "sources",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "drill_next_run_at",
                table: "sources",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "drill_target_source_id",
                table: "sources",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<List<SqlCheck>>(
                name: "sql_checks",
                table: "sources",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<Guid>(
                name: "drill_id",
                table: "restore_operations",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "restore_drills",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    source_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    trigger = table.Column<string>(type: "text", nullable: false),
                    scheduled_for = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    requested_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    worker_id = table.Column<string>(type: "text", nullable: true),
                    lease_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    backup_job_id = table.Column<Guid>(type: "uuid", nullable: true),
                    restore_id = table.Column<Guid>(type: "uuid", nullable: true),
                    rto_seconds = table.Column<double>(type: "double precision", nullable: true),
                    pitr_restore_id = table.Column<Guid>(type: "uuid", nullable: true),
                    pitr_target_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    pitr_rto_seconds = table.Column<double>(type: "double precision", nullable: true),
                    checks = table.Column<List<VerificationCheck>>(type: "jsonb", nullable: false),
                    error_message = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_restore_drills", x => x.id);
                    table.ForeignKey(
                        name: "fk_restore_drills_sources_source_id",
                        column: x => x.source_id,
                        principalTable: "sources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_restore_drills_source_id_completed_at",
                table: "restore_drills",
                columns: new[] { "source_id", "completed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_restore_drills_source_id_scheduled_for",
                table: "restore_drills",
                columns: new[] { "source_id", "scheduled_for" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_restore_drills_status",
                table: "restore_drills",
                column: "status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "restore_drills");

            migrationBuilder.DropColumn(
                name: "drill_cron_expression",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "drill_enabled",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "drill_next_run_at",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "drill_target_source_id",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "sql_checks",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "drill_id",
                table: "restore_operations");
        }
    }
}
