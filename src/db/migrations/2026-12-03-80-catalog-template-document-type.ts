// A catalogue template (kind "template", modello di documento) can be the model of one type of
// tender document (a determina a contrarre, a capitolato…): the tenders area offers it for that type
// and fills it with a dossier's data. The codes are the tenders area's DOCUMENT_TYPES.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    ALTER TABLE catalog_assets ADD COLUMN document_type text CHECK (document_type IS NULL OR (kind = 'template' AND document_type ~ '^[a-z_]{1,40}$'));
    CREATE INDEX catalog_assets_document_type_idx ON catalog_assets (document_type) WHERE document_type IS NOT NULL;
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`ALTER TABLE catalog_assets DROP COLUMN document_type;`);
}
