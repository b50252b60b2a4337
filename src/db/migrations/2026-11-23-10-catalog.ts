// Reuse catalogue: assets (publiccode.yml and more), their files, workflow history, adoptions by
// bodies and the imports waiting for confirmation. Search: Italian full text with accents folded
// (italian_unaccent), weighted name > short description > long description/features, GIN indexed.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE catalog_assets (
      id serial PRIMARY KEY,
      slug text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('software','template','toolkit','service')),
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','submitted','published','returned','archived')),
      archived_from text CHECK (archived_from IS NULL OR archived_from IN ('draft','submitted','published','returned')),
      entity_id integer REFERENCES entities(id) ON DELETE RESTRICT,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
      url text,
      url_key text,
      short_description text,
      publisher text,
      software_version text,
      release_date date,
      development_status text,
      software_type text,
      license text,
      categories text[] NOT NULL DEFAULT '{}',
      scopes text[] NOT NULL DEFAULT '{}',
      platforms text[] NOT NULL DEFAULT '{}',
      italian_platforms text[] NOT NULL DEFAULT '{}',
      pnrr_measures text[] NOT NULL DEFAULT '{}',
      tags text[] NOT NULL DEFAULT '{}',
      publiccode jsonb NOT NULL,
      warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
      complete boolean NOT NULL DEFAULT false,
      in_use_count integer NOT NULL DEFAULT 0,
      adoption_count integer NOT NULL DEFAULT 0,
      source text NOT NULL DEFAULT 'form' CHECK (source IN ('form','upload','paste','cli','seed')),
      review_comment text,
      search tsvector NOT NULL DEFAULT ''::tsvector,
      created_by integer REFERENCES users(id) ON DELETE SET NULL,
      updated_by integer REFERENCES users(id) ON DELETE SET NULL,
      submitted_by integer REFERENCES users(id) ON DELETE SET NULL,
      submitted_at timestamptz,
      published_at timestamptz,
      archived_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX catalog_assets_slug_key ON catalog_assets (slug);
    -- Re-importing the same repository url updates the asset instead of duplicating it.
    CREATE UNIQUE INDEX catalog_assets_url_key ON catalog_assets (url_key) WHERE url_key IS NOT NULL;
    CREATE INDEX catalog_assets_entity_idx ON catalog_assets (entity_id, status);
    CREATE INDEX catalog_assets_status_idx ON catalog_assets (status, updated_at DESC);
    CREATE INDEX catalog_assets_newest_idx ON catalog_assets (published_at DESC, id DESC) WHERE status = 'published';
    CREATE INDEX catalog_assets_adopted_idx ON catalog_assets (in_use_count DESC, adoption_count DESC, lower(name)) WHERE status = 'published';
    CREATE INDEX catalog_assets_name_idx ON catalog_assets (lower(name)) WHERE status = 'published';
    CREATE INDEX catalog_assets_name_trgm_idx ON catalog_assets USING gin (lower(name) gin_trgm_ops);
    CREATE INDEX catalog_assets_search_idx ON catalog_assets USING gin (search);
    CREATE INDEX catalog_assets_categories_idx ON catalog_assets USING gin (categories);
    CREATE INDEX catalog_assets_scopes_idx ON catalog_assets USING gin (scopes);
    CREATE INDEX catalog_assets_platforms_idx ON catalog_assets USING gin (platforms);
    CREATE INDEX catalog_assets_italian_idx ON catalog_assets USING gin (italian_platforms);
    CREATE INDEX catalog_assets_pnrr_idx ON catalog_assets USING gin (pnrr_measures);
    CREATE INDEX catalog_assets_tags_idx ON catalog_assets USING gin (tags);
    CREATE INDEX catalog_assets_kind_idx ON catalog_assets (kind) WHERE status = 'published';
    CREATE INDEX catalog_assets_license_idx ON catalog_assets (license) WHERE status = 'published';
    CREATE INDEX catalog_assets_devstatus_idx ON catalog_assets (development_status) WHERE status = 'published';

    -- The search vector is kept by the database itself, so every writer (web, CLI, seed, bench) agrees.
    CREATE FUNCTION catalog_assets_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      d jsonb;
      names text := '';
      shorts text := '';
      longs text := '';
    BEGIN
      FOR d IN SELECT value FROM jsonb_each(CASE WHEN jsonb_typeof(NEW.publiccode->'descriptions') = 'object' THEN NEW.publiccode->'descriptions' ELSE '{}'::jsonb END) LOOP
        names := names || ' ' || coalesce(d->>'localisedName', '') || ' ' || coalesce(d->>'genericName', '');
        shorts := shorts || ' ' || coalesce(d->>'shortDescription', '');
        longs := longs || ' ' || coalesce(d->>'longDescription', '') || ' ' ||
          coalesce((SELECT string_agg(f, ' ') FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d->'features') = 'array' THEN d->'features' ELSE '[]'::jsonb END) AS f), '');
      END LOOP;
      NEW.search :=
        setweight(to_tsvector('italian_unaccent', coalesce(NEW.name, '') || ' ' || names), 'A') ||
        setweight(to_tsvector('italian_unaccent', coalesce(NEW.short_description, '') || ' ' || shorts || ' ' || array_to_string(NEW.tags, ' ')), 'B') ||
        setweight(to_tsvector('italian_unaccent', left(longs, 200000)), 'C');
      RETURN NEW;
    END $$;
    CREATE TRIGGER catalog_assets_search_update BEFORE INSERT OR UPDATE OF name, short_description, tags, publiccode ON catalog_assets
      FOR EACH ROW EXECUTE FUNCTION catalog_assets_search_vector();

    CREATE TABLE catalog_asset_files (
      id serial PRIMARY KEY,
      asset_id integer NOT NULL REFERENCES catalog_assets(id) ON DELETE CASCADE,
      file_id uuid NOT NULL REFERENCES stored_files(id) ON DELETE RESTRICT,
      role text NOT NULL CHECK (role IN ('attachment','screenshot','logo')),
      title text NOT NULL,
      position integer NOT NULL DEFAULT 0,
      uploaded_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX catalog_asset_files_asset_idx ON catalog_asset_files (asset_id, role, position, id);

    CREATE TABLE catalog_asset_events (
      id serial PRIMARY KEY,
      asset_id integer NOT NULL REFERENCES catalog_assets(id) ON DELETE CASCADE,
      action text NOT NULL,
      from_status text,
      to_status text,
      comment text,
      actor_user_id integer REFERENCES users(id) ON DELETE SET NULL,
      at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX catalog_asset_events_asset_idx ON catalog_asset_events (asset_id, at DESC, id DESC);

    CREATE TABLE catalog_adoptions (
      id serial PRIMARY KEY,
      asset_id integer NOT NULL REFERENCES catalog_assets(id) ON DELETE CASCADE,
      entity_id integer NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
      status text NOT NULL CHECK (status IN ('interested','evaluating','in_use','dismissed')),
      since date NOT NULL,
      note text,
      declared_by integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (asset_id, entity_id)
    );
    CREATE INDEX catalog_adoptions_entity_idx ON catalog_adoptions (entity_id, status);
    CREATE INDEX catalog_adoptions_asset_idx ON catalog_adoptions (asset_id, status);

    -- A parsed publiccode.yml waiting for its author to confirm the preview (kept one day).
    CREATE TABLE catalog_pending_imports (
      token uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id integer NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      entity_id integer REFERENCES entities(id) ON DELETE CASCADE,
      source text NOT NULL CHECK (source IN ('upload','paste')),
      file_name text,
      content text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX catalog_pending_imports_created_idx ON catalog_pending_imports (created_at);
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    DROP TABLE IF EXISTS catalog_pending_imports, catalog_adoptions, catalog_asset_events, catalog_asset_files CASCADE;
    DROP TABLE IF EXISTS catalog_assets CASCADE;
    DROP FUNCTION IF EXISTS catalog_assets_search_vector();
  `);
}
