import { mount } from 'svelte';
import App from './App.svelte';
import { connectStudio } from './api/client';
import { JobsState } from './state/jobs.svelte';
import { ModelsState } from './state/models.svelte';
import { LibraryState } from './state/library.svelte';
import { ComposeState } from './state/compose.svelte';
import { EditorState } from './state/editor.svelte';
import { ConceptsState } from './state/concepts.svelte';
import { NavigationState } from './state/navigation.svelte';
import { StudioState } from './state/studio.svelte';
import { ThemeState } from './state/theme.svelte';
import { AlbumsState } from './state/albums.svelte';
import './styles/app.css';

const client = connectStudio();
// The token has done its job (the host set a cookie); keep it out of the address bar, history and screenshots.
if (new URLSearchParams(location.search).has('token')) history.replaceState(null, '', location.pathname);

const jobs = new JobsState(client);
mount(App, {
  target: document.getElementById('app')!,
  props: {
    client,
    studio: new StudioState(client),
    jobs,
    models: new ModelsState(client, jobs),
    library: new LibraryState(client, jobs),
    compose: new ComposeState(client),
    editor: new EditorState(client, jobs),
    concepts: new ConceptsState(client, jobs),
    nav: new NavigationState(),
    theme: new ThemeState(),
    albums: new AlbumsState(client),
  },
});
