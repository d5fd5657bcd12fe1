using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupPortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class JobLeasesProgressCancel : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cancel_requested_at",
                table: "restore_operations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "cancel_requested_by",
                table: "restore_operations",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "lease_expires_at",
                table: "restore_operations",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "progress_bytes",
                table: "restore_operations",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "worker_id",
                table: "restore_operations",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cancel_requested_at",
                table: "backup_jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "cancel_requested_by",
                table: "backup_jobs",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "estimated_bytes",
                table: "backup_jobs",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "lease_expires_at",
                table: "backup_jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "progress_bytes",
                table: "backup_jobs",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "progress_tables_done",
                table: "backup_jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "progress_tables_total",
                table: "backup_jobs",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "worker_id",
                table: "backup_jobs",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_backup_jobs_one_running_per_source",
                table: "backup_jobs",
                column: "source_id",
                unique: true,
                filter: "status = 'running' AND trigger <> 'safety'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_backup_jobs_one_running_per_source",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "cancel_requested_at",
                table: "restore_operations");

            migrationBuilder.DropColumn(
                name: "cancel_requested_by",
                table: "restore_operations");

            migrationBuilder.DropColumn(
                name: "lease_expires_at",
                table: "restore_operations");

            migrationBuilder.DropColumn(
                name: "progress_bytes",
                table: "restore_operations");

            migrationBuilder.DropColumn(
                name: "worker_id",
                table: "restore_operations");

            migrationBuilder.DropColumn(
                name: "cancel_requested_at",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "cancel_requested_by",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "estimated_bytes",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "lease_expires_at",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "progress_bytes",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "progress_tables_done",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "progress_tables_total",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "worker_id",
                table: "backup_jobs");
        }
    }
}
