using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupPortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class RetriesAndWorkerOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "max_attempts",
                table: "backup_schedules",
                type: "integer",
                nullable: false,
                defaultValue: 3);

            migrationBuilder.AddColumn<int>(
                name: "retry_backoff_seconds",
                table: "backup_schedules",
                type: "integer",
                nullable: false,
                defaultValue: 60);

            migrationBuilder.AddColumn<int>(
                name: "attempt",
                table: "backup_jobs",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "not_before",
                table: "backup_jobs",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "retry_of_id",
                table: "backup_jobs",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_backup_jobs_retry_of_id",
                table: "backup_jobs",
                column: "retry_of_id",
                unique: true,
                filter: "retry_of_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_backup_jobs_retry_of_id",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "max_attempts",
                table: "backup_schedules");

            migrationBuilder.DropColumn(
                name: "retry_backoff_seconds",
                table: "backup_schedules");

            migrationBuilder.DropColumn(
                name: "attempt",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "not_before",
                table: "backup_jobs");

            migrationBuilder.DropColumn(
                name: "retry_of_id",
                table: "backup_jobs");
        }
    }
}
