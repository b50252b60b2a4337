// News (notizie): posts written by staff in Markdown, stored with their sanitised rendering, an
// optional image with its alt text, tags, a link to another area and a publication moment.
import type { MigrationContext } from '../migrate.js';

export async function up({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query(`
    CREATE TABLE news_posts (
      id serial PRIMARY KEY,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 500),
      body_md text NOT NULL,
      -- The sanitised HTML of body_md (src/modules/news/markdown.ts), rendered when the post is saved.
      body_html text NOT NULL,
      image_file_id uuid REFERENCES stored_files(id) ON DELETE SET NULL,
      image_alt text,
      tags text[] NOT NULL DEFAULT '{}',
      -- A page of another area the post points to: a training cycle, a call, a catalogue asset, a tender dossier.
      link_kind text CHECK (link_kind IS NULL OR link_kind IN ('training','call','asset','tender')),
      link_path text,
      -- draft: not shown; scheduled: shown from publish_at, when the publication job marks it published.
      state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft','scheduled','published')),
      publish_at timestamptz,
      published_at timestamptz,
      author_id integer REFERENCES users(id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (image_file_id IS NULL OR (image_alt IS NOT NULL AND length(image_alt) > 0)),
      CHECK ((link_kind IS NULL) = (link_path IS NULL)),
      CHECK (state <> 'scheduled' OR publish_at IS NOT NULL),
      CHECK (state <> 'published' OR published_at IS NOT NULL)
    );
    CREATE INDEX news_posts_published_idx ON news_posts (published_at DESC, id DESC) WHERE state = 'published';
    CREATE INDEX news_posts_due_idx ON news_posts (publish_at) WHERE state = 'scheduled';
    CREATE INDEX news_posts_tags_idx ON news_posts USING gin (tags);
    CREATE INDEX news_posts_updated_idx ON news_posts (updated_at DESC, id DESC);
  `);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
  await sequelize.query('DROP TABLE IF EXISTS news_posts');
}
