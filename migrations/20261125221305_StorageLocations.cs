using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupPortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class StorageLocations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<List<Guid>>(
                name: "location_ids",
                table: "wal_segments",
                type: "uuid[]",
                nullable: true);

            migrationBuilder.AddColumn<List<Guid>>(
                name: "storage_location_ids",
                table: "sources",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'::uuid[]");

            migrationBuilder.AddColumn<List<Guid>>(
                name: "storage_location_ids",
                table: "backup_schedules",
                type: "uuid[]",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "copy_status",
                table: "backup_jobs",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "storage_locations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    path = table.Column<string>(type: "text", nullable: true),
                    endpoint = table.Column<string>(type: "text", nullable: true),
                    region = table.Column<string>(type: "text", nullable: true),
                    bucket = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: true),
                    prefix = table.Column<string>(type: "text", nullable: true),
                    force_path_style = table.Column<bool>(type: "boolean", nullable: false),
                    access_key_id = table.Column<string>(type: "text", nullable: true),
                    secret_access_key_encrypted = table.Column<string>(type: "text", nullable: true),
                    is_default = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_storage_locations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "backup_copies",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    backup_job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    location_id = table.Column<Guid>(type: "uuid", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: true),
                    checksum_sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    deleted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_backup_copies", x => x.id);
                    table.ForeignKey(
                        name: "fk_backup_copies_backup_jobs_backup_job_id",
                        column: x => x.backup_job_id,
                        principalTable: "backup_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_backup_copies_storage_locations_location_id",
                        column: x => x.location_id,
                        principalTable: "storage_locations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_backup_copies_backup_job_id_location_id",
                table: "backup_copies",
                columns: new[] { "backup_job_id", "location_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_backup_copies_location_id_status",
                table: "backup_copies",
                columns: new[] { "location_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_storage_locations_is_default",
                table: "storage_locations",
                column: "is_default",
                unique: true,
                filter: "is_default");

            migrationBuilder.CreateIndex(
                name: "ix_storage_locations_name",
                table: "storage_locations",
                column: "name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "backup_copies");

            migrationBuilder.DropTable(
                name: "storage_locations");

            migrationBuilder.DropColumn(
                name: "location_ids",
                table: "wal_segments");

            migrationBuilder.DropColumn(
                name: "storage_location_ids",
                table: "sources");

            migrationBuilder.DropColumn(
                name: "storage_location_ids",
                table: "backup_schedules");

            migrationBuilder.DropColumn(
                name: "copy_status",
                table: "backup_jobs");
        }
    }
}
