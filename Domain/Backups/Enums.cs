namespace BackupPortal.Domain.Backups;

public enum BackupType { Full, Incremental, SchemaOnly, Base }

/// <summary>The seed's statuses, plus <c>expired</c>: retention deleted the artifact; the row stays for the audit trail.</summary>
public enum JobStatus { Pending, Running, Completed, Failed, Cancelled, Expired }

public enum VerificationStatus { Pending, Verified, Failed }

/// <summary>
/// Why a backup exists: asked for, fired by a schedule, taken before a restore overwrote a database, or taken because
/// an incremental found no base backup to build on.
/// </summary>
public enum BackupTrigger { Manual, Schedule, Safety, Prerequisite }
