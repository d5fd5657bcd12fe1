using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BackupPortal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Monitoring : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "storage_samples",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    location = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    backup_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    used_bytes = table.Column<long>(type: "bigint", nullable: false),
                    artifact_count = table.Column<int>(type: "integer", nullable: false),
                    free_bytes = table.Column<long>(type: "bigint", nullable: true),
                    sampled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_storage_samples", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_storage_samples_sampled_at_location",
                table: "storage_samples",
                columns: new[] { "sampled_at", "location" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "storage_samples");
        }
    }
}
