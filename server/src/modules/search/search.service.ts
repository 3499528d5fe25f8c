import { type DataSource } from 'typeorm';

import { type SearchQuery, type SearchResultDto, searchQuerySchema } from '@contracts/dto/search';
import { type Viewer } from '@server/common/access/visibility';
import { searchTerms } from '@server/common/search/search-terms';
import { SearchReadModel } from '@server/modules/search/search.read-model';

/** The top bar's global search: one text, every kind of record the viewer may see, grouped. */
export class SearchService {
  private readonly readModel: SearchReadModel;

  constructor(
    dataSource: DataSource,
    private readonly defaultCountry: () => string,
  ) {
    this.readModel = new SearchReadModel(dataSource);
  }

  async search(viewer: Viewer, query: SearchQuery): Promise<SearchResultDto> {
    const { q, limit } = searchQuerySchema.parse(query);
    const terms = searchTerms(q, this.defaultCountry());
    const [contacts, companies, leads, deals] = await Promise.all([
      this.readModel.contacts(viewer, terms, limit),
      this.readModel.companies(viewer, terms, limit),
      this.readModel.leads(viewer, terms, limit),
      this.readModel.deals(viewer, terms, limit),
    ]);
    return { q, contacts, companies, leads, deals };
  }
}
