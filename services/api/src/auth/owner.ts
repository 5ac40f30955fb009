import { forbidden } from '@skein/model';
import { loadObject, type SqlClient } from '@skein/store';
import { can, isOwner, noDashes, PERM_W, withDashes, type Identity } from './identity';

/**
 * Giving an object to a project counts against that project's quota, so a non-admin may only give it to a
 * project it has rights on: its own (the token's project) or one that grants it write access.
 */
export async function checkNewOwner(c: SqlClient, id: Identity, owner: string): Promise<void> {
  if (id.admin) return;
  const target = owner === 'cloud-admin' ? owner : noDashes(owner);
  if (id.projectId && target === noDashes(id.projectId)) return;
  const project = /^[0-9a-f]{32}$/.test(target) ? await loadObject(c, withDashes(target)) : undefined;
  if (project?.type === 'project' && (isOwner(id, project.perms2) || can(id, project.perms2, PERM_W))) return;
  throw forbidden(
    `Permission denied to give objects to owner ${withDashes(target)}: it needs admin or write access to that project`,
    { field: 'owner' },
  );
}
