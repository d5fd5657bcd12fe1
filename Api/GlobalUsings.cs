// Inside FastEndpoints endpoints "Roles" is a method; the domain's role names go by this alias there.
global using Role = BackupPortal.Domain.Identity.Roles;
