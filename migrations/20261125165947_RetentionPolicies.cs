using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupPortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class RetentionPolicies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "keep_daily",
                table: "backup_schedules",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "keep_monthly",
                table: "backup_schedules",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "keep_weekly",
                table: "backup_schedules",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "keep_yearly",
                table: "backup_schedules",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "expired_at",
                table: "backup_jobs",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "keep_daily",
                table: "backup_schedules");

            migrationBuilder.DropColumn(
                name: "keep_monthly",
                table: "backup_schedules");

            migrationBuilder.DropColumn(
                name: "keep_weekly",
                table: "backup_schedules");

            migrationBuilder.DropColumn(
                name: "keep_yearly",
                table: "backup_schedules");

            migrationBuilder.DropColumn(
                name: "expired_at",
                table: "backup_jobs");
        }
    }
}
