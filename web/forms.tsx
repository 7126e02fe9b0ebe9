/** @jsxImportSource hono/jsx */
import type { Child } from 'hono/jsx';
import type { Problem } from './api-client.ts';
import type { PageContext } from './layout.tsx';

/** A form the API refused: its problem, each error under the field it names (the API's own path). */
export interface FormFailure {
  form: string;
  /** The API's status for the refusal, which the re-rendered page answers with. */
  status?: 400 | 403 | 404 | 409 | 422;
  message: string;
  fields: Record<string, string>;
  values: Record<string, string>;
}

/** What a part of a page with forms gets: the page, and the form the API refused, if it did. */
export interface WithForms {
  ctx: PageContext;
  failure?: FormFailure | undefined;
}

export function failureFrom(form: string, problem: Problem, values: Record<string, string>): FormFailure {
  const fields: Record<string, string> = {};
  for (const error of problem.errors ?? []) fields[error.path] ??= error.message;
  const status = [400, 403, 404, 409, 422].includes(problem.status)
    ? (problem.status as FormFailure['status'])
    : 400;
  return { form, status, message: problem.detail ?? problem.title, fields, values };
}

type Choice = { value: string; label: string };

type FieldProps = {
  name: string;
  label: string;
  failure?: FormFailure | undefined;
  value?: string | number | undefined;
  hint?: string;
  required?: boolean;
};

const fieldId = (form: string, name: string) => `${form}-${name.replace(/[^\w-]/g, '-')}`;

function FieldFrame(props: FieldProps & { id: string; children: Child }) {
  const error = props.failure?.fields[props.name];
  return (
    <div class={`utrecht-form-field${error ? ' utrecht-form-field--invalid' : ''}`}>
      <label class="utrecht-form-label" for={props.id}>
        {props.label}
      </label>
      {props.hint && (
        <p class="utrecht-form-field-description" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {error && (
        <p class="utrecht-form-field-error-message pg-error" id={`${props.id}-error`}>
          {error}
        </p>
      )}
      {props.children}
    </div>
  );
}

function describedBy(props: FieldProps, id: string): Record<string, string> {
  const ids = [props.hint ? `${id}-hint` : '', props.failure?.fields[props.name] ? `${id}-error` : '']
    .filter(Boolean)
    .join(' ');
  const attributes: Record<string, string> = ids ? { 'aria-describedby': ids } : {};
  if (props.failure?.fields[props.name]) attributes['aria-invalid'] = 'true';
  return attributes;
}

/** What every control carries: its id for the label, its name, whether it is required, what describes it. */
const control = (props: FieldProps, id: string) => ({
  id,
  name: props.name,
  required: props.required,
  ...describedBy(props, id),
});

const valueOf = (props: FieldProps) => props.failure?.values[props.name] ?? props.value ?? '';

export function TextField(
  props: FieldProps & { form: string; type?: string; step?: string; min?: number; max?: number },
) {
  const id = fieldId(props.form, props.name);
  return (
    <FieldFrame {...props} id={id}>
      <input
        class="utrecht-textbox utrecht-textbox--html-input"
        {...control(props, id)}
        type={props.type ?? 'text'}
        value={String(valueOf(props))}
        step={props.step}
        min={props.min}
        max={props.max}
      />
    </FieldFrame>
  );
}

/** An amount of money: a number with cents, never below zero. */
export function MoneyField(props: FieldProps & { form: string }) {
  return <TextField {...props} type="number" step="0.01" min={0} />;
}

export function TextArea(props: FieldProps & { form: string }) {
  const id = fieldId(props.form, props.name);
  return (
    <FieldFrame {...props} id={id}>
      <textarea class="utrecht-textarea utrecht-textarea--html-textarea" {...control(props, id)}>
        {String(valueOf(props))}
      </textarea>
    </FieldFrame>
  );
}

export function Select(props: FieldProps & { form: string; options: Choice[] }) {
  const id = fieldId(props.form, props.name);
  const chosen = String(valueOf(props));
  return (
    <FieldFrame {...props} id={id}>
      <select class="utrecht-select utrecht-select--html-select" {...control(props, id)}>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === chosen}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function Radios(props: {
  form: string;
  name: string;
  legend: string;
  options: Choice[];
  failure?: FormFailure | undefined;
}) {
  const error = props.failure?.fields[props.name];
  const errorId = fieldId(props.form, props.name) + '-error';
  return (
    <fieldset class="utrecht-form-fieldset" aria-describedby={error ? errorId : undefined}>
      <legend class="utrecht-form-fieldset__legend">{props.legend}</legend>
      {error && (
        <p class="utrecht-form-field-error-message pg-error" id={errorId}>
          {error}
        </p>
      )}
      {props.options.map((o, i) => {
        const id = `${fieldId(props.form, props.name)}-${i}`;
        return (
          <div class="utrecht-form-field utrecht-form-field--radio">
            <input
              class="utrecht-radio-button utrecht-radio-button--html-input"
              type="radio"
              id={id}
              name={props.name}
              value={o.value}
              checked={i === 0}
            />{' '}
            <label class="utrecht-form-label utrecht-form-label--radio" for={id}>
              {o.label}
            </label>
          </div>
        );
      })}
    </fieldset>
  );
}

interface FormProps extends WithForms {
  id: string;
  action: string;
  submit: string;
  secondary?: boolean;
}

/** A POST form with the session's form token; the API's refusal shows above it, tied to the form. */
export function Form(props: FormProps & { children?: Child }) {
  const failed = props.failure?.form === props.id ? props.failure : undefined;
  const summaryId = `${props.id}-problem`;
  return (
    <form
      method="post"
      action={props.action}
      class="pg-form"
      id={`${props.id}-form`}
      aria-describedby={failed ? summaryId : undefined}
    >
      {failed && (
        <div class="pg-alert utrecht-alert" role="alert" id={summaryId}>
          <p class="utrecht-paragraph">
            <strong>{props.ctx.t('form.errorSummary')}:</strong> {failed.message}
          </p>
        </div>
      )}
      <input type="hidden" name="csrf" value={props.ctx.session?.csrf ?? ''} />
      {props.children}
      <div>
        <button
          type="submit"
          class={`utrecht-button ${props.secondary ? 'utrecht-button--secondary-action' : 'utrecht-button--primary-action'}`}
        >
          {props.submit}
        </button>
      </div>
    </form>
  );
}

/** A form that asks for one required text: a question, an answer, a reason. */
export function TextAreaForm(props: FormProps & { name: string; label: string; value?: string }) {
  const { name, label, value, ...form } = props;
  const mine = failureOf(form.failure, form.id);
  return (
    <Form {...form} failure={mine}>
      <TextArea form={form.id} name={name} label={label} value={value} failure={mine} required />
    </Form>
  );
}

/**
 * A decision between two ways, the first chosen until the person picks, and the required reason for it;
 * anything the decision also needs goes between the two.
 */
export function DecisionForm(
  props: FormProps & {
    choice: { name: string; legend: string; options: [Choice, Choice] };
    reason: { name: string; label: string };
    children?: Child;
  },
) {
  const { choice, reason, children, ...form } = props;
  const mine = failureOf(form.failure, form.id);
  return (
    <Form {...form} failure={mine}>
      <Radios form={form.id} {...choice} failure={mine} />
      {children}
      <TextArea form={form.id} {...reason} failure={mine} required />
    </Form>
  );
}

/** Only the failure of the form with this id, so a page with many forms marks the right one. */
export const failureOf = (failure: FormFailure | undefined, form: string) =>
  failure?.form === form ? failure : undefined;
