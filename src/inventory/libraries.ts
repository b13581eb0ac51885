/** Document libraries: wire library objects → LibraryRecord. */
import type { DataQualityWarning, LibraryRecord } from './types.ts';
import type { WireLibrary } from '../shared/mistral-wire.ts';

export function toLibraryRecord(l: WireLibrary, warnings: DataQualityWarning[] = []): LibraryRecord {
  return {
    id: l.id,
    name: l.name,
    description: l.description ?? null,
    documentCount: typeof l.nb_documents === 'number' ? l.nb_documents : 0,
    totalSizeBytes: typeof l.total_size === 'number' ? l.total_size : 0,
    ownerId: l.owner_id ?? null,
    ownerType: l.owner_type ?? null,
    sharing: {
      orgSharingRole: l.org_sharing_role ?? null,
      explicitUserMembersCount: l.explicit_user_members_count ?? null,
      explicitWorkspaceMembersCount: l.explicit_workspace_members_count ?? null,
    },
    createdAt: l.created_at,
    updatedAt: l.updated_at,
    dataQuality: warnings.filter((w) => w.resourceId === l.id),
  };
}
