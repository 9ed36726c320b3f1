import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { DISTRIBUTED_PROCESSES } from "@second-brain/launcher";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import {
  composeDummySecrets,
  entryFilesOf,
  k8sDocuments,
  k8sFiles,
  readYamlDocuments,
  repoRoot,
  type ManifestDocument,
} from "../src/deploy-manifests.ts";

interface Validatable {
  validate(): void;
}

// Every kind the manifests may use, with the class whose JSON schema checks it.
const modelByKind: Record<string, (body: Record<string, unknown>) => Validatable> = {
  Namespace: (body) => new Namespace(body as never),
  ConfigMap: (body) => new ConfigMap(body as never),
  Secret: (body) => new Secret(body as never),
  Service: (body) => new Service(body as never),
  Deployment: (body) => new Deployment(body as never),
};

// The deployment runs exactly the processes of the distributed mode.
const PROCESSES = Object.keys(DISTRIBUTED_PROCESSES);

const documents = k8sDocuments();
const resources = documents.filter((doc) => doc.body.kind !== "Kustomization");
const deployments = resources
  .filter((doc) => doc.body.kind === "Deployment")
  .map((doc) => new Deployment(doc.body));
const where = (doc: ManifestDocument) => `${doc.file}#${doc.index}`;

function containersOf(deployment: Deployment) {
  return deployment.spec?.template.spec?.containers ?? [];
}

/** "name: problem" for each command that runs no single .ts entry, or one that does not exist. */
function missingEntries(commands: readonly (readonly [string | undefined, unknown])[]): string[] {
  return commands.flatMap(([name, command]) => {
    const entries = entryFilesOf(command);
    if (entries.length !== 1) return [`${name}: command runs ${entries.length} .ts entry files`];
    return existsSync(join(repoRoot, entries[0]!)) ? [] : [`${name}: ${entries[0]} does not exist`];
  });
}

describe("deployment manifests", () => {
  describe("k8s/", () => {
    it("has one Deployment for every process", () => {
      expect(deployments.map((d) => d.metadata?.name).sort()).to.deep.equal([...PROCESSES].sort());
    });

    it("validates every document against the Kubernetes schema of its kind", () => {
      expect(resources).to.not.be.empty;
      for (const doc of resources) {
        const model = modelByKind[String(doc.body.kind)];
        expect(model, `${where(doc)}: unexpected kind ${String(doc.body.kind)}`).to.not.be.undefined;
        expect(() => model!(doc.body).validate(), where(doc)).to.not.throw();
      }
    });

    it("puts every resource in the second-brain namespace", () => {
      for (const doc of resources.filter((d) => d.body.kind !== "Namespace")) {
        const metadata = doc.body.metadata as { namespace?: string } | undefined;
        expect(metadata?.namespace, where(doc)).to.equal("second-brain");
      }
    });

    it("runs an entry file that exists in the repository in every container", () => {
      const commands = deployments.flatMap((d) =>
        containersOf(d).map((c) => [d.metadata?.name, c.command] as const),
      );
      expect(missingEntries(commands)).to.deep.equal([]);
    });

    it("sets resource requests and limits on every container", () => {
      for (const deployment of deployments) {
        for (const container of containersOf(deployment)) {
          const name = deployment.metadata?.name;
          expect(container.resources?.requests, `${name} requests`).to.include.keys("cpu", "memory");
          expect(container.resources?.limits, `${name} limits`).to.include.keys("cpu", "memory");
        }
      }
    });

    it("probes the gateway on /health/ready and /health/live at port 3000", () => {
      const gateway = deployments.find((d) => d.metadata?.name === "gateway");
      const container = gateway ? containersOf(gateway)[0] : undefined;
      expect(container?.ports?.find((p) => p.name === "http")?.containerPort).to.equal(3000);
      expect(container?.readinessProbe?.httpGet?.path).to.equal("/health/ready");
      expect(container?.livenessProbe?.httpGet?.path).to.equal("/health/live");
    });

    it("gives every Deployment a Service that selects its pods", () => {
      const services = resources
        .filter((doc) => doc.body.kind === "Service")
        .map((doc) => new Service(doc.body));
      for (const deployment of deployments) {
        const labels = deployment.spec?.template.metadata?.labels ?? {};
        const service = services.find((s) => s.metadata?.name === deployment.metadata?.name);
        expect(service, `Service for ${deployment.metadata?.name}`).to.not.be.undefined;
        for (const [key, value] of Object.entries(service?.spec?.selector ?? {})) {
          expect(labels[key], `${deployment.metadata?.name} label ${key}`).to.equal(value);
        }
      }
    });

    it("keeps only placeholders in the Secret template", () => {
      const secrets = resources
        .filter((doc) => doc.body.kind === "Secret")
        .map((doc) => new Secret(doc.body));
      expect(secrets).to.have.lengthOf(1);
      for (const [key, value] of Object.entries(secrets[0]?.stringData ?? {})) {
        expect(value === "" || value.includes("REPLACE_ME"), `${key} is not a placeholder`).to.be.true;
      }
      expect(secrets[0]?.data, "base64 data would hide real values").to.be.undefined;
    });

    it("bounds Redis's memory with the same eviction policy as docker-compose.yml", () => {
      const redisConfig = resources.find(
        (doc) =>
          doc.body.kind === "ConfigMap" && (doc.body.metadata as { name?: string }).name === "redis-config",
      );
      const conf = String((redisConfig?.body.data as Record<string, string> | undefined)?.["redis.conf"]);
      expect(conf).to.match(/^maxmemory 256mb$/m);
      expect(conf).to.match(/^maxmemory-policy allkeys-lru$/m);
    });

    it("lists every manifest but the Secret template in kustomization.yaml", () => {
      const kustomization = documents.find((doc) => doc.body.kind === "Kustomization");
      expect(kustomization?.file).to.equal("kustomization.yaml");
      const listed = (kustomization?.body.resources as string[]).slice().sort();
      const expected = k8sFiles().filter((f) => f !== "kustomization.yaml" && f !== "secret.template.yaml");
      expect(listed).to.deep.equal(expected);
    });
  });

  describe("docker-compose.yml", () => {
    const compose = readYamlDocuments(join(repoRoot, "docker-compose.yml"))[0] as {
      services: Record<string, { command?: unknown; image?: string; environment?: Record<string, string> }>;
    };

    it("runs one container per process from an entry file that exists", () => {
      expect(
        missingEntries(PROCESSES.map((name) => [name, compose.services[name]?.command] as const)),
      ).to.deep.equal([]);
    });

    it("bounds Redis's memory, evicting the least recently used keys", () => {
      const command = (compose.services.redis?.command as string[]).join(" ");
      expect(command).to.include("--maxmemory 256mb");
      expect(command).to.include("--maxmemory-policy allkeys-lru");
    });

    it("runs every process in distributed mode", () => {
      for (const name of PROCESSES)
        expect(compose.services[name]?.environment?.SB_MODE, name).to.equal("distributed");
    });

    // Debian's docker-compose (v1) renders a file offline; .ci/run installs it. Missing, these
    // checks fail rather than skip, so a run without it cannot look green.
    const runCompose = (env: Record<string, string>) => {
      // An empty env file stands in for a developer's own .env, which must not leak into the check.
      const envFile = join(mkdtempSync(join(tmpdir(), "sb-compose-")), "empty.env");
      writeFileSync(envFile, "");
      return spawnSync(
        "docker-compose",
        ["--env-file", envFile, "-f", "docker-compose.yml", "config", "-q"],
        {
          cwd: repoRoot,
          encoding: "utf8",
          env: { PATH: process.env.PATH ?? "", ...env },
        },
      );
    };

    it("passes `docker-compose config -q` when the secrets are set", function () {
      this.timeout(30_000);
      const result = runCompose(composeDummySecrets);
      expect(result.error, "docker-compose must be installed").to.equal(undefined);
      expect(result.status, result.stderr).to.equal(0);
    });

    it("refuses to render without the secrets", function () {
      this.timeout(30_000);
      const result = runCompose({});
      expect(result.error, "docker-compose must be installed").to.equal(undefined);
      expect(result.status).to.not.equal(0);
      expect(result.stderr).to.match(/POSTGRES_PASSWORD|JWT_SECRET|MASTER_KEY/);
    });
  });
});
